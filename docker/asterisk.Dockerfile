# Asterisk 22 from Debian sid (Debian 12 and 13 ship no Asterisk package).
# Build from the repository root:  docker build -f docker/asterisk.Dockerfile -t ccctl-asterisk .
# Not tested in CI (no Docker engine there); see docker/README.md.
FROM debian:sid-slim

# Create the 'asterisk' user first, with the uid/gid the ccctl image writes
# the generated files as (999), so the 0640 files are readable by Asterisk.
RUN groupadd --system --gid 999 asterisk \
 && useradd --system --uid 999 --gid 999 --home-dir /var/lib/asterisk \
        --shell /usr/sbin/nologin asterisk \
 && apt-get update \
 && apt-get install -y --no-install-recommends \
        asterisk asterisk-modules \
        asterisk-core-sounds-en-gsm asterisk-core-sounds-en-wav \
        asterisk-moh-opsound-gsm asterisk-moh-opsound-wav \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /run/asterisk \
 && chown -R asterisk:asterisk /run/asterisk /var/lib/asterisk /var/log/asterisk \
        /var/spool/asterisk /var/cache/asterisk

USER asterisk
# -f: stay in the foreground (the container's process); -n: no colour.
CMD ["/usr/sbin/asterisk", "-f", "-n", "-C", "/etc/asterisk/asterisk.conf"]
