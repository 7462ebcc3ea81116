#!/bin/sh
echo "hello on port $PORT"
