from screener.cli import run

run()
