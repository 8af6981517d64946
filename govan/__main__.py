from govan.cli import main

raise SystemExit(main())
