"""How people and programs reach sohoa: the `sohoa` command line and the HTTP API. The top
layer: may import every other package, and nothing imports it."""
