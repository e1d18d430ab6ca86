"""hv-foundation components: one ComponentResource per pillar, built from the typed stack config."""
