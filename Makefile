.PHONY: demo test
demo:
	bash scripts/setup.sh demo
test:
	bash scripts/setup.sh test
