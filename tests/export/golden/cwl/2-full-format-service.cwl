#!/usr/bin/env cwl-runner
# full-format-service: exported by procreg from /api/process_definition/2/.
# Every field of the format: a long-running service fed over TCP that appends its results to a file.
# WARNING: application ingest-worker-v2 is not carried: deploy it where the job runs.
# WARNING: the input arrives on TCP port 8090: nothing here sends it; the process must be fed by the bus.
# WARNING: the working directory /srv/pipeline is not carried: CWL has no field for it; the tool runs in its output folder.
# WARNING: a service is run as a tool that is expected to finish.
# WARNING: the output file /srv/pipeline/results.log is not an output of the tool: a CWL runner collects files from its output folder only; the process writes it where it is.
# A CWL runner starts the tool with only the environment variables set here and a few of its own (HOME, TMPDIR, PATH).
cwlVersion: v1.2
class: CommandLineTool
label: "full-format-service"
doc: "Every field of the format: a long-running service fed over TCP that appends its results to a file."
baseCommand: ["/opt/pipeline/bin/ingest"]
arguments:
- "--listen"
- "8090"
- "--results"
- "/srv/pipeline/results.log"
inputs: {}
outputs: {}
requirements:
  EnvVarRequirement:
    envDef:
      "ENVAR": "val"
      "LOG_LEVEL": "info"
  ToolTimeLimit:
    timelimit: 3600
