"""The program put together: the `targets` command and the web server's entry, on top of
indicators (what the targets are), etl (reading and storing) and dashboard (the pages)."""
