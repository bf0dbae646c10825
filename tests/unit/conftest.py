"""Fixtures shared by more than one unit test file."""

from ecrhosts import dirs as dirs  # a Docker config and state of every kind of ECR host
from ecrhosts import helper as helper  # its fake credential helper, holding one host
