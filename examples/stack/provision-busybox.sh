#!/bin/sh
# Provisioning script for vimage on the busybox base image: busybox already has httpd and wget, so the
# example app needs nothing more; this only records what the stack is, to show where such steps go.
set -eu
mkdir -p /etc
echo "example_stack (busybox $(busybox | head -1 | cut -d' ' -f2))" > /etc/stack-release
echo "provisioned: $(cat /etc/stack-release)"
