#!/usr/bin/env cwl-runner
# iconv-output-argument: exported by procreg from /api/process_definition/3/.
# Converts Latin-1 text read on standard input to UTF-8, written to the file named by its --output argument.
# ${output_file} = /tmp/procreg/output
# ${input_file} = /tmp/procreg/input
# A CWL runner starts the tool with only the environment variables set here and a few of its own (HOME, TMPDIR, PATH).
cwlVersion: v1.2
class: CommandLineTool
label: "iconv-output-argument"
doc: "Converts Latin-1 text read on standard input to UTF-8, written to the file named by its --output argument."
baseCommand: ["/usr/bin/iconv"]
arguments:
- "--from-code=ISO-8859-1"
- "--to-code=UTF-8"
- "--output"
- "output"
inputs:
  "input_file":
    type: File
stdin: "$(inputs.input_file.path)"
outputs:
  "output_file":
    type: File
    outputBinding:
      glob: "output"
requirements:
  ToolTimeLimit:
    timelimit: 120
