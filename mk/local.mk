# Run the action locally, exactly as the runner starts it (included by the Makefile):
# INPUT_* variables with hyphens kept and action.yml's defaults, temporary GITHUB_OUTPUT
# and GITHUB_STEP_SUMMARY files shown afterwards, against the bundled emulator (HTTPS).
# Needs only python3 (>= 3.11); no root, no container engine.
#   make run-local                                   one demo secret into octo-org
#   make run-local INPUTS=inputs.env                 inputs from a file (JSON or NAME=value)
#   make run-local ARGS='--input org=octo-org --input name=X --input value-file=x.pem'
#   make run-local ARGS='--github --inputs-file prod.env'   for real: GH_TOKEN, GITHUB_API_URL
.PHONY: run-local

INPUTS ?=
ARGS ?=

run-local: $(STAMP) ## the action as the runner runs it, against the emulator (INPUTS=file, ARGS=...)
	$(PY) scripts/run_local.py $(if $(INPUTS),--inputs-file $(INPUTS)) $(ARGS)
