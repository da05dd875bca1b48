#!/bin/sh
# Process definitions exported by procreg: one shell function per definition.
#
# Source this file (". ./FILE", FILE being the name it was saved under), then
# call a function. A function runs its definition's command line in a
# subshell; the ${name} variables the definition uses are read from shell
# variables of the same name, for example:
#
#   input_file=/tmp/procreg/input output_file=/tmp/procreg/output procreg_ffmpeg_to_mp3

# /api/process_definition/1/: ffmpeg-to-mp3
procreg_ffmpeg_to_mp3() (
    : "${input_file?procreg_ffmpeg_to_mp3 needs input_file to be set}"
    : "${output_file?procreg_ffmpeg_to_mp3 needs output_file to be set}"
    timeout 600 /usr/local/bin/ffmpeg -i "${input_file}" -q:a 2 "${output_file}"
)

# /api/process_definition/2/: full-format-service
procreg_full_format_service() (
    cd /srv/pipeline && env ENVAR=val LOG_LEVEL=info timeout 3600 /opt/pipeline/bin/ingest --listen 8090 --results /srv/pipeline/results.log
)

# /api/process_definition/3/: iconv-output-argument
procreg_iconv_output_argument() (
    : "${input_file?procreg_iconv_output_argument needs input_file to be set}"
    : "${output_file?procreg_iconv_output_argument needs output_file to be set}"
    timeout 120 /usr/bin/iconv --from-code=ISO-8859-1 --to-code=UTF-8 --output "${output_file}" < "${input_file}"
)

# /api/process_definition/4/: sort-lines
procreg_sort_lines() (
    : "${input_file?procreg_sort_lines needs input_file to be set}"
    : "${output_file?procreg_sort_lines needs output_file to be set}"
    env LC_ALL=C sort --stable --key=1,1 < "${input_file}" > "${output_file}"
)

# /api/process_definition/5/: tr-strip-x
procreg_tr_strip_x() (
    : "${input_file?procreg_tr_strip_x needs input_file to be set}"
    : "${output_file?procreg_tr_strip_x needs output_file to be set}"
    /usr/bin/tr -d x < "${input_file}" > "${output_file}"
)

# /api/process_definition/6/: wc-input-argument
procreg_wc_input_argument() (
    : "${input_file?procreg_wc_input_argument needs input_file to be set}"
    : "${output_file?procreg_wc_input_argument needs output_file to be set}"
    env wc --lines "${input_file}" > "${output_file}"
)
