#!/bin/sh
# Provisioning script for vimage: runs as root inside the base image with the host's network.
# Makes a Debian minbase image able to run the example app (busybox's httpd and wget).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends busybox >/dev/null
apt-get clean
rm -rf /var/lib/apt/lists/*
echo "provisioned: $(busybox | head -1)"
