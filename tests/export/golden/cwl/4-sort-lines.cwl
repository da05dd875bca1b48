#!/usr/bin/env cwl-runner
# sort-lines: exported by procreg from /api/process_definition/4/.
# A filter: reads lines on standard input, writes them sorted on standard output.
# ${input_file} = /tmp/procreg/input
# ${output_file} = /tmp/procreg/output
# A CWL runner starts the tool with only the environment variables set here and a few of its own (HOME, TMPDIR, PATH).
cwlVersion: v1.2
class: CommandLineTool
label: "sort-lines"
doc: "A filter: reads lines on standard input, writes them sorted on standard output."
baseCommand: ["sort"]
arguments:
- "--stable"
- "--key=1,1"
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
requirements:
  EnvVarRequirement:
    envDef:
      "LC_ALL": "C"
