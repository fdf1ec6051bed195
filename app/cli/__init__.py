"""The `pjsip-graph` command line."""
