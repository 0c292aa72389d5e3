from olistctl.cli.app import main

main()
