// aio-patterns: list the seed patterns, or run one and print exactly what CPython prints for it.
//
//   aio-patterns list [--json]
//   aio-patterns run <id> [--time-scale F] [--clock real|virtual] [--param key=value]... [--trace FILE] [--json]
//
// stdout carries the pattern's printed lines only (or, with --json, one object: the run's result shape).
// Bad arguments: a message on stderr and exit status 2. A pattern that raises: its error on stderr, 1.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return patterns::cli_main(args, std::cout, std::cerr);
}
