# What targets need from the machine (included by the Makefile). Targets that install
# Debian packages say so in `make help` ("needs: …"). apt_install installs them with apt,
# as root or through sudo, and refuses with one clear line where it cannot: no apt-get
# (not Debian or Ubuntu), or neither root nor sudo. Then install the packages yourself
# and run the target again; it only installs what is missing.
define apt_install
if ! command -v apt-get >/dev/null 2>&1; then \
  echo "make: $@ needs the Debian packages '$(1)' and installs them with apt-get, which this machine lacks (Debian or Ubuntu needed). Install them yourself, then re-run." >&2; exit 2; fi; \
if [ "$$(id -u)" -eq 0 ]; then sudo=; \
elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
else echo "make: $@ needs the Debian packages '$(1)'; installing them takes root (or sudo). Install them yourself, then re-run." >&2; exit 2; fi; \
echo "Installing $(1) (Debian packages)"; \
DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $(1) >/dev/null 2>&1 \
|| { $$sudo apt-get update -q >/dev/null && \
     DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $(1) >/dev/null; }
endef
