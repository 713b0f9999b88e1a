"""Read, validate, convert and store actual values; the `targets` command line."""
