#!/usr/bin/env cwl-runner
# ffmpeg-to-mp3: exported by procreg from /api/process_definition/1/.
# Encodes an audio sample as MP3.
# ${input_file} = /tmp/procreg/input
# ${output_file} = /tmp/procreg/output
# A CWL runner starts the tool with only the environment variables set here and a few of its own (HOME, TMPDIR, PATH).
cwlVersion: v1.2
class: CommandLineTool
label: "ffmpeg-to-mp3"
doc: "Encodes an audio sample as MP3."
baseCommand: ["/usr/local/bin/ffmpeg"]
arguments:
- "-i"
- "$(inputs.input_file.path)"
- "-q:a"
- "2"
- "output"
inputs:
  "input_file":
    type: File
outputs:
  "output_file":
    type: File
    outputBinding:
      glob: "output"
requirements:
  ToolTimeLimit:
    timelimit: 600
