#include "core/pickle_check.h"

#include <map>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "core/errors.h"

namespace netprobe::core {
namespace {

// What follows an opcode in the bytes (pickle protocols 0-5).
enum class Arg { kNone, kFixed, kLength, kLine, kTwoLines, kUnknown };

// What an opcode does to the stack, as far as the walk follows it: values are tracked only as
// much as a storage's persistent id needs (strings, integers, globals, small tuples).
enum class Effect {
  kPushOther,    // pushes a value the walk does not look into
  kPushString,   // pushes its string argument
  kPushInt,      // pushes its integer argument
  kGlobal,       // pushes module.name from its two lines
  kStackGlobal,  // pops module and name, pushes the global
  kMark,
  kTupleFromMark,
  kTupleOf,    // pops `count` values into a tuple
  kFromMark,   // pops to the mark, pushes one value (list, dict, object)
  kIntoBelow,  // pops to the mark; the values go into the value below (appends, setitems)
  kPop,        // pops `count` values
  kPopPush,    // pops `count` values, pushes one
  kPopMark,
  kDup,
  kPersistentId,
  kGet,
  kPut,
  kMemoize,
  kNothing,
  kStop,
};

struct OpInfo {
  Arg arg;
  int size;  // argument bytes (kFixed) or length bytes (kLength)
  Effect effect;
  int count;
};

OpInfo op_info(unsigned char op) {
  switch (op) {
    case 'J': return {Arg::kFixed, 4, Effect::kPushInt, 0};       // BININT
    case 'K': return {Arg::kFixed, 1, Effect::kPushInt, 0};       // BININT1
    case 'M': return {Arg::kFixed, 2, Effect::kPushInt, 0};       // BININT2
    case 0x8a: return {Arg::kLength, 1, Effect::kPushInt, 0};     // LONG1
    case 0x8b: return {Arg::kLength, 4, Effect::kPushOther, 0};   // LONG4
    case 'G': return {Arg::kFixed, 8, Effect::kPushOther, 0};     // BINFLOAT
    case 0x82: return {Arg::kFixed, 1, Effect::kPushOther, 0};    // EXT1
    case 0x83: return {Arg::kFixed, 2, Effect::kPushOther, 0};    // EXT2
    case 0x84: return {Arg::kFixed, 4, Effect::kPushOther, 0};    // EXT4
    case 0x80: return {Arg::kFixed, 1, Effect::kNothing, 0};      // PROTO
    case 0x95: return {Arg::kFixed, 8, Effect::kNothing, 0};      // FRAME (its length checked too)
    case 'T': return {Arg::kLength, 4, Effect::kPushString, 0};   // BINSTRING
    case 'U': return {Arg::kLength, 1, Effect::kPushString, 0};   // SHORT_BINSTRING
    case 0x8c: return {Arg::kLength, 1, Effect::kPushString, 0};  // SHORT_BINUNICODE
    case 'X': return {Arg::kLength, 4, Effect::kPushString, 0};   // BINUNICODE
    case 0x8d: return {Arg::kLength, 8, Effect::kPushString, 0};  // BINUNICODE8
    case 'B': return {Arg::kLength, 4, Effect::kPushOther, 0};    // BINBYTES
    case 'C': return {Arg::kLength, 1, Effect::kPushOther, 0};    // SHORT_BINBYTES
    case 0x8e: return {Arg::kLength, 8, Effect::kPushOther, 0};   // BINBYTES8
    case 0x96: return {Arg::kLength, 8, Effect::kPushOther, 0};   // BYTEARRAY8
    case 'I':
    case 'L':
    case 'S':
    case 'V':
    case 'F':
    case 'P': return {Arg::kLine, 0, Effect::kPushOther, 0};
    case 'g': return {Arg::kLine, 0, Effect::kGet, 0};
    case 'p': return {Arg::kLine, 0, Effect::kPut, 0};
    case 'c': return {Arg::kTwoLines, 0, Effect::kGlobal, 0};
    case 'i': return {Arg::kTwoLines, 0, Effect::kFromMark, 0};  // INST
    case 'h': return {Arg::kFixed, 1, Effect::kGet, 0};          // BINGET
    case 'j': return {Arg::kFixed, 4, Effect::kGet, 0};          // LONG_BINGET
    case 'q': return {Arg::kFixed, 1, Effect::kPut, 0};          // BINPUT
    case 'r': return {Arg::kFixed, 4, Effect::kPut, 0};          // LONG_BINPUT
    case 0x94: return {Arg::kNone, 0, Effect::kMemoize, 0};
    case 'N':
    case 0x88:
    case 0x89:
    case ']':
    case '}':
    case 0x8f:
    case 0x97:
      return {Arg::kNone, 0, Effect::kPushOther, 0};  // NONE, NEWTRUE, NEWFALSE, empty list/dict/set, NEXT_BUFFER
    case ')': return {Arg::kNone, 0, Effect::kTupleOf, 0};
    case 0x85: return {Arg::kNone, 0, Effect::kTupleOf, 1};
    case 0x86: return {Arg::kNone, 0, Effect::kTupleOf, 2};
    case 0x87: return {Arg::kNone, 0, Effect::kTupleOf, 3};
    case 't': return {Arg::kNone, 0, Effect::kTupleFromMark, 0};
    case '(': return {Arg::kNone, 0, Effect::kMark, 0};
    case 'l':
    case 'd':
    case 0x91:
    case 'o': return {Arg::kNone, 0, Effect::kFromMark, 0};  // LIST DICT FROZENSET OBJ
    case 'e':
    case 'u':
    case 0x90: return {Arg::kNone, 0, Effect::kIntoBelow, 0};  // APPENDS SETITEMS ADDITEMS
    case 'a':
    case 'b':
    case '0': return {Arg::kNone, 0, Effect::kPop, 1};  // APPEND BUILD POP
    case 's': return {Arg::kNone, 0, Effect::kPop, 2};  // SETITEM
    case '1': return {Arg::kNone, 0, Effect::kPopMark, 0};
    case '2': return {Arg::kNone, 0, Effect::kDup, 0};
    case 0x93: return {Arg::kNone, 0, Effect::kStackGlobal, 0};
    case 'R':
    case 0x81: return {Arg::kNone, 0, Effect::kPopPush, 2};  // REDUCE NEWOBJ
    case 0x92: return {Arg::kNone, 0, Effect::kPopPush, 3};  // NEWOBJ_EX
    case 'Q': return {Arg::kNone, 0, Effect::kPersistentId, 0};
    case 0x98: return {Arg::kNone, 0, Effect::kNothing, 0};  // READONLY_BUFFER
    case '.': return {Arg::kNone, 0, Effect::kStop, 0};
    default: return {Arg::kUnknown, 0, Effect::kNothing, 0};
  }
}

struct Value {
  enum Kind { kOther, kMark, kString, kInt, kGlobal, kTuple } kind = kOther;
  std::string text;  // string, or module.name of a global
  int64_t number = 0;
  std::vector<Value> items;  // a tuple's, when it is small enough to be a persistent id
};

// Bytes per element of the storage types torch.save and LibTorch write.
std::optional<uint64_t> storage_item_size(const std::string& type) {
  static const std::map<std::string, uint64_t> sizes = {
      {"torch.DoubleStorage", 8},   {"torch.FloatStorage", 4},        {"torch.HalfStorage", 2},
      {"torch.BFloat16Storage", 2}, {"torch.LongStorage", 8},         {"torch.IntStorage", 4},
      {"torch.ShortStorage", 2},    {"torch.CharStorage", 1},         {"torch.ByteStorage", 1},
      {"torch.BoolStorage", 1},     {"torch.ComplexFloatStorage", 8}, {"torch.ComplexDoubleStorage", 16},
      {"torch.QInt8Storage", 1},    {"torch.QUInt8Storage", 1},       {"torch.QInt32Storage", 4},
      {"torch.UntypedStorage", 1},
  };
  const auto it = sizes.find(type);
  if (it == sizes.end()) return std::nullopt;
  return it->second;
}

}  // namespace

void check_pickle(std::string_view bytes, const std::string& where, const StorageRecordSize& storage_size) {
  const uint64_t n = bytes.size();
  uint64_t op_at = 0;
  const auto fail = [&](const std::string& why) {
    throw Error(fmt::format("{}: not a valid pickle: {} at byte {}", where, why, op_at));
  };
  // The little-endian integer of `size` bytes at `at`, unsigned, or signed (two's complement).
  const auto number = [&](uint64_t at, uint64_t size) {
    uint64_t v = 0;
    for (uint64_t i = size; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  std::vector<Value> stack;
  std::unordered_map<uint64_t, Value> memo;
  const auto pop = [&] {
    if (stack.empty() || stack.back().kind == Value::kMark) fail("an opcode finds too little on the stack");
    Value v = std::move(stack.back());
    stack.pop_back();
    return v;
  };
  const auto pop_to_mark = [&] {
    std::vector<Value> items;
    while (!stack.empty() && stack.back().kind != Value::kMark) {
      items.push_back(std::move(stack.back()));
      stack.pop_back();
    }
    if (stack.empty()) fail("an opcode finds no mark on the stack");
    stack.pop_back();
    return std::vector<Value>(std::make_move_iterator(items.rbegin()), std::make_move_iterator(items.rend()));
  };
  const auto tuple = [](std::vector<Value> items) {
    Value t{Value::kTuple, {}, 0, {}};
    if (items.size() <= 8) t.items = std::move(items);  // persistent ids are 5 long
    return t;
  };
  uint64_t at = 0;
  while (at < n) {
    op_at = at;
    const auto op = static_cast<unsigned char>(bytes[at++]);
    const OpInfo info = op_info(op);
    const auto size = static_cast<uint64_t>(info.size);
    std::string_view text;  // a string argument or the lines of a text one
    uint64_t argument = 0;
    switch (info.arg) {
      case Arg::kUnknown: fail(fmt::format("unknown opcode 0x{:02x}", op)); break;
      case Arg::kNone: break;
      case Arg::kFixed:
        if (size > n - at) fail("an opcode's argument runs past the end");
        argument = number(at, size);
        at += size;
        if (op == 0x95 && argument > n - at) fail(fmt::format("a frame of {} bytes runs past the end", argument));
        break;
      case Arg::kLength: {
        if (size > n - at) fail("a length runs past the end");
        const uint64_t length = number(at, size);
        at += size;
        if (length > n - at) fail(fmt::format("a string of {} bytes runs past the end", length));
        text = bytes.substr(at, length);
        if (op == 0x8a) {  // LONG1: a signed little-endian integer of `length` bytes
          argument = length == 0 ? 0 : number(at, std::min<uint64_t>(length, 8));
          if (length > 8) fail("an integer of more than 8 bytes");
        }
        at += length;
        break;
      }
      case Arg::kLine:
      case Arg::kTwoLines: {
        const uint64_t start = at;
        for (int line = 0; line < (info.arg == Arg::kTwoLines ? 2 : 1); ++line) {
          const size_t end = bytes.find('\n', at);
          if (end == std::string_view::npos) fail("a text argument without its newline");
          at = end + 1;
        }
        text = bytes.substr(start, at - start);
        break;
      }
    }
    switch (info.effect) {
      case Effect::kPushOther: stack.push_back({}); break;
      case Effect::kPushString: stack.push_back({Value::kString, std::string(text), 0, {}}); break;
      case Effect::kPushInt: {
        int64_t v = static_cast<int64_t>(argument);
        if (op == 'J') v = static_cast<int32_t>(static_cast<uint32_t>(argument));  // BININT is signed
        stack.push_back({Value::kInt, {}, v, {}});
        break;
      }
      case Effect::kGlobal: {
        const size_t split = text.find('\n');
        std::string name(text.substr(0, split));
        name += "." + std::string(text.substr(split + 1, text.size() - split - 2));
        stack.push_back({Value::kGlobal, name, 0, {}});
        break;
      }
      case Effect::kStackGlobal: {
        const Value name = pop(), module = pop();
        stack.push_back({Value::kGlobal, module.text + "." + name.text, 0, {}});
        break;
      }
      case Effect::kMark: stack.push_back({Value::kMark, {}, 0, {}}); break;
      case Effect::kTupleFromMark: stack.push_back(tuple(pop_to_mark())); break;
      case Effect::kTupleOf: {
        std::vector<Value> items(static_cast<size_t>(info.count));
        for (int i = info.count; i-- > 0;) items[static_cast<size_t>(i)] = pop();
        stack.push_back(tuple(std::move(items)));
        break;
      }
      case Effect::kFromMark:
      case Effect::kIntoBelow: {
        // DICT and SETITEMS take keys and values in pairs: LibTorch reads a missing last value
        // past its stack (the tensor-file fuzzer's second finding).
        const size_t items = pop_to_mark().size();
        if ((op == 'd' || op == 'u') && items % 2 != 0) fail(fmt::format("a dict of {} keys and values", items));
        if (info.effect == Effect::kFromMark) {
          stack.push_back({});
        } else if (stack.empty()) {
          fail("an opcode finds too little on the stack");
        }
        break;
      }
      case Effect::kPop:
        for (int i = 0; i < info.count; ++i) pop();
        if (op != '0' && stack.empty()) fail("an opcode finds too little on the stack");  // the container
        break;
      case Effect::kPopPush:
        for (int i = 0; i < info.count; ++i) pop();
        stack.push_back({});
        break;
      case Effect::kPopMark: pop_to_mark(); break;
      case Effect::kDup:
        if (stack.empty()) fail("an opcode finds too little on the stack");
        stack.push_back(stack.back());
        break;
      case Effect::kPersistentId: {
        const Value id = pop();
        if (storage_size && id.kind == Value::kTuple && id.items.size() == 5 && id.items[0].kind == Value::kString &&
            id.items[0].text == "storage") {
          const Value &type = id.items[1], &key = id.items[2], &numel = id.items[4];
          if (type.kind != Value::kGlobal || key.kind != Value::kString || numel.kind != Value::kInt) {
            fail("a storage's persistent id is not (storage, type, key, location, numel)");
          }
          const std::optional<uint64_t> item = storage_item_size(type.text);
          if (!item) fail(fmt::format("storage '{}' has an unknown type {}", key.text, type.text));
          const std::optional<uint64_t> record = storage_size(key.text);
          if (!record) fail(fmt::format("storage '{}' has no record in the archive", key.text));
          if (numel.number < 0 || static_cast<uint64_t>(numel.number) > *record / *item) {
            fail(fmt::format("storage '{}' claims {} elements of {} bytes, its record holds {} bytes", key.text,
                             numel.number, *item, *record));
          }
        }
        stack.push_back({});
        break;
      }
      case Effect::kGet: {
        const uint64_t index = op == 'g' ? 0 : argument;
        if (op != 'g' && index >= n) fail(fmt::format("memo index {} beyond the pickle's {} bytes", index, n));
        const auto it = memo.find(index);
        if (op != 'g' && it == memo.end()) fail(fmt::format("memo index {} read before it is written", index));
        stack.push_back(it == memo.end() ? Value{} : it->second);
        break;
      }
      case Effect::kPut:
        if (op != 'p' && argument >= n) fail(fmt::format("memo index {} beyond the pickle's {} bytes", argument, n));
        if (stack.empty()) fail("an opcode finds too little on the stack");
        if (op != 'p') memo[argument] = stack.back();
        break;
      case Effect::kMemoize:
        if (stack.empty()) fail("an opcode finds too little on the stack");
        memo[memo.size()] = stack.back();
        break;
      case Effect::kNothing: break;
      case Effect::kStop: return;  // what follows is not read
    }
  }
  op_at = n;
  fail("it ends before its STOP opcode");
}

}  // namespace netprobe::core
