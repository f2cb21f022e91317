"""`python -m tracker` is the `tracker` command."""

from tracker.launch import main

main()
