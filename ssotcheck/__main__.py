from ssotcheck.cli import console

console()
