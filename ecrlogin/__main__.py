from ecrlogin.cli import main

main()
