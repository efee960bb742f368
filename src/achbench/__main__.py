"""``python -m achbench`` runs the command line."""

from achbench.cli import main

if __name__ == "__main__":
    main()
