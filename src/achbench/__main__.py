"""``python -m achbench`` runs the command line."""

from achbench.cli.start import run

if __name__ == "__main__":
    run()
