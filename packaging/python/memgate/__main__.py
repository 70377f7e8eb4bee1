"""`python -m memgate …` is the `memgate` command."""

from memgate._launcher import main

main()
