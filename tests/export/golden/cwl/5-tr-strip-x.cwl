#!/usr/bin/env cwl-runner
# tr-strip-x: exported by procreg from /api/process_definition/5/.
# Removes every x from a text stream.
# ${input_file} = /tmp/procreg/input
# ${output_file} = /tmp/procreg/output
# A CWL runner starts the tool with only the environment variables set here and a few of its own (HOME, TMPDIR, PATH).
cwlVersion: v1.2
class: CommandLineTool
label: "tr-strip-x"
doc: "Removes every x from a text stream."
baseCommand: ["/usr/bin/tr"]
arguments:
- "-d"
- "x"
inputs:
  "input_file":
    type: File
stdin: "$(inputs.input_file.path)"
stdout: "output"
outputs:
  "output_file":
    type: File
    outputBinding:
      glob: "output"
