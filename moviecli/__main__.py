from moviecli.cli import main

main()
