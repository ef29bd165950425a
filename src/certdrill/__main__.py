"""Allow `python -m certdrill`."""

from certdrill.cli import main

raise SystemExit(main())
