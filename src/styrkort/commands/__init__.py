"""CLI sub-commands. Each module here defines ``register(subparsers)``; cli.py finds them all.

A command module stays thin: parse arguments, call the pipeline or a reader,
print findings. Keep heavy imports inside the handler so ``styrkort --help``
stays fast.
"""
