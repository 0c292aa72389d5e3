from olistctl.cli.entry import main

main()
