#!/usr/bin/env cwl-runner
# wc-input-argument: exported by procreg from /api/process_definition/6/.
# Counts the lines of a file given as its last argument; the count is read from standard output.
# ${input_file} = /tmp/procreg/input
# ${output_file} = /tmp/procreg/output
# A CWL runner starts the tool with only the environment variables set here and a few of its own (HOME, TMPDIR, PATH).
cwlVersion: v1.2
class: CommandLineTool
label: "wc-input-argument"
doc: "Counts the lines of a file given as its last argument; the count is read from standard output."
baseCommand: ["wc"]
arguments:
- "--lines"
- "$(inputs.input_file.path)"
inputs:
  "input_file":
    type: File
stdout: "output"
outputs:
  "output_file":
    type: File
    outputBinding:
      glob: "output"
