"""Adapters to real Asterisk: pjsip.conf files, ARI push configuration, realtime tables."""
