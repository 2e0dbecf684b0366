from ssotcheck.cli import main

raise SystemExit(main())
