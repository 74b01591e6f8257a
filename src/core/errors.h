#pragma once
/// Error types shared by every layer. `main` catches them once, prints one line and exits:
/// UsageError -> 2 (bad option or value), Error -> 1 (bad file, failed run).
#include <stdexcept>
#include <string>

namespace netprobe::core {

/// A failure that is not the user's typing: unreadable file, corrupt data, diverging run.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The user asked for something invalid (option, value, combination). Exit code 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

/// A file netprobe wrote no longer matches the content hash it recorded: changed or damaged since.
/// Caches catch it to compute again; everywhere else it is an Error (exit 1).
class IntegrityError : public Error {
 public:
  using Error::Error;
};

/// The first line of an error message (LibTorch appends a backtrace to its own).
std::string first_line(const std::string& message);

/// Exit code that `main` uses for an exception of this type.
int exit_code_for(const std::exception& e);

}  // namespace netprobe::core
