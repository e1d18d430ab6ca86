"""hv-foundation policy pack: rules in hv_rules, the CLI entry point in __main__.py."""
