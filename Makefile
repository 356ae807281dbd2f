# sale_incentive developer commands (see README.md)
.PHONY: run test reset lint bench

run:    ## create (first time) and start a demo database on http://127.0.0.1:8069
	bash tools/dev.sh run

test:   ## install in a throwaway database, run the whole test suite, check the demo install
	bash tools/dev.sh test

reset:  ## drop the demo database used by `make run`
	bash tools/dev.sh reset

lint:   ## ruff + pylint-odoo (OCA defaults)
	ruff check .
	ruff format --check .
	pylint --rcfile=.pylintrc --score=n $$(git ls-files '*.py')

bench:  ## settlement / posting benchmark on a throwaway database
	bash tools/dev.sh bench
