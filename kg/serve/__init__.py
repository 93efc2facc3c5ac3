"""`kg serve`: the HTTP server (`server`), its query worker processes (`workers`), the
documents it serves besides results (`docs`), and time limits for in-process work (`timeouts`)."""
