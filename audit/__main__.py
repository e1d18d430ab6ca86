"""`python -m audit`: see the package docstring."""

from audit.cli import main

raise SystemExit(main())
