#!/bin/sh
# Regenerates protocols.tsv: ovs-ofctl's usable/chosen protocol lines for every corpus flow,
# with the default protocols and with -O OpenFlow13 (sorted, joined by "|").
# usage: sh test/openflow/corpus/protocols.sh test/openflow/corpus/flows.txt > test/openflow/corpus/protocols.tsv
grep -v '^#' "$1" | grep -v '^\s*$' | while IFS= read -r f; do
  a=$(ovs-ofctl parse-flow "$f" 2>&1 | grep -E '^(usable|chosen) protocol|no usable' | sort | tr '\n' '|')
  b=$(ovs-ofctl -O OpenFlow13 parse-flow "$f" 2>&1 | grep -E '^(usable|chosen) protocol|no usable' | sort | tr '\n' '|')
  printf '%s\t%s\t%s\n' "$f" "$a" "$b"
done
