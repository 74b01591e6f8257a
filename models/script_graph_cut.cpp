#include "models/script_graph_cut.h"

#include <algorithm>
#include <limits>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/inliner.h>

#include "core/errors.h"

namespace netprobe::models {
namespace {

using torch::jit::Graph;
using torch::jit::Node;
using torch::jit::Value;
namespace prim = c10::prim;

// A value that can be handed from one graph to another as it is: tensors, scalars, strings and
// lists, tuples or optionals of them. Objects and dicts could carry hidden state across the cut.
bool passable(const c10::TypePtr& type) {
  switch (type->kind()) {
    case c10::TypeKind::TensorType:
    case c10::TypeKind::IntType:
    case c10::TypeKind::FloatType:
    case c10::TypeKind::BoolType:
    case c10::TypeKind::NoneType:
    case c10::TypeKind::StringType:
    case c10::TypeKind::NumberType:
    case c10::TypeKind::DeviceObjType:
    case c10::TypeKind::ListType:
    case c10::TypeKind::TupleType:
    case c10::TypeKind::OptionalType:
      break;
    default:
      return false;
  }
  const auto contained = type->containedTypes();
  return std::all_of(contained.begin(), contained.end(), [](const c10::TypePtr& t) { return passable(t); });
}

bool is_module(const c10::TypePtr& type) {
  const auto c = type->cast<c10::ClassType>();
  return c && c->is_module();
}

bool holds_tensors(const c10::TypePtr& type) {
  if (type->kind() == c10::TypeKind::TensorType) return true;
  const auto contained = type->containedTypes();
  return std::any_of(contained.begin(), contained.end(), [](const c10::TypePtr& t) { return holds_tensors(t); });
}

// Every node of a block, nested blocks included, in order.
void visit(torch::jit::Block* block, const std::function<void(Node*)>& f) {
  for (Node* n : block->nodes()) {
    f(n);
    for (torch::jit::Block* b : n->blocks()) visit(b, f);
  }
}

std::vector<Node*> top_level(Graph& g) {
  std::vector<Node*> nodes;
  for (Node* n : g.nodes()) nodes.push_back(n);
  return nodes;
}

}  // namespace

struct ForwardCuts::Cut {
  std::unique_ptr<torch::jit::GraphFunction> prefix, suffix;
};

ForwardCuts::ForwardCuts(const torch::jit::Module& module) {
  std::vector<std::string> params;
  for (const auto& p : module.named_parameters(/*recurse=*/true)) params.push_back(p.name);
  std::set<std::string> buffers;
  for (const auto& b : module.named_buffers(/*recurse=*/true)) buffers.insert(b.name);
  first_use_.assign(params.size(), 0);

  graph_ = toGraphFunction(module.get_method("forward").function()).graph()->copy();
  torch::jit::Inline(*graph_);
  const std::vector<Node*> nodes = top_level(*graph_);
  std::unordered_map<const Node*, size_t> position;
  for (size_t i = 0; i < nodes.size(); ++i) position[nodes[i]] = i;
  const auto top_position = [&](const Node* n) {
    if (n == graph_->return_node()) return nodes.size();
    while (n->owningBlock() != graph_->block()) n = n->owningBlock()->owningNode();
    return position.at(n);
  };

  // Module paths of every attribute read from self ("layer1.0.conv1.weight").
  Value* self = graph_->inputs().at(0);
  std::unordered_map<const Value*, std::string> path{{self, ""}};
  visit(graph_->block(), [&](Node* n) {
    if (n->kind() == prim::SetAttr) why_not_ = "the forward sets module attributes";
    if (n->kind() == prim::CallMethod || n->kind() == prim::CallFunction) {
      why_not_ = "the forward calls a method that cannot be inlined";
    }
    if (n->kind() == prim::GetAttr && path.count(n->input(0)) > 0) {
      const std::string& parent = path.at(n->input(0));
      path[n->output()] = parent.empty() ? n->s(c10::attr::name) : parent + "." + n->s(c10::attr::name);
    }
  });
  if (!why_not_.empty()) return;

  // The parameters a module attribute read stands for, and where it is first used.
  std::vector<size_t> first(params.size(), std::numeric_limits<size_t>::max());
  const auto under = [&](const std::string& prefix, size_t at) {
    for (size_t i = 0; i < params.size(); ++i) {
      if (prefix.empty() || params[i].rfind(prefix + ".", 0) == 0) first[i] = std::min(first[i], at);
    }
  };
  for (const auto& [value, name] : path) {
    const auto found = std::find(params.begin(), params.end(), name);
    for (const torch::jit::Use& use : value->uses()) {
      if (use.user->kind() == prim::GetAttr) continue;  // a step down the module tree
      const size_t at = top_position(use.user);
      if (found != params.end()) {
        const auto i = static_cast<size_t>(found - params.begin());
        first[i] = std::min(first[i], at);
      } else if (value == self || is_module(value->type())) {
        under(name, at);  // a module handed on whole: any of its parameters may be read there
      } else if (buffers.count(name) == 0 && holds_tensors(value->type())) {
        under(name.substr(0, name.rfind('.') == std::string::npos ? 0 : name.rfind('.')), at);  // e.g. _flat_weights
      }
    }
  }
  // A parameter never read cannot change the output: any cut is fine for it.
  for (size_t i = 0; i < params.size(); ++i) first_use_[i] = std::min(first[i], nodes.size());

  // Fixed nodes (constants, attribute reads from self) are made again after the cut; every other
  // value defined before it and read after it crosses the cut.
  // (Lists and tuples of fixed values count too: a conv's stride list is rebuilt, not kept.)
  std::set<const Value*> fixed_values{self};
  for (const Node* n : nodes) {
    const bool pure = n->kind() == prim::Constant || (n->kind() == prim::GetAttr && path.count(n->output()) > 0) ||
                      n->kind() == prim::ListConstruct || n->kind() == prim::TupleConstruct;
    const bool is_fixed = pure && std::all_of(n->inputs().begin(), n->inputs().end(),
                                              [&](const Value* v) { return fixed_values.count(v) > 0; });
    if (is_fixed) fixed_values.insert(n->outputs().begin(), n->outputs().end());
    fixed_.push_back(is_fixed);
  }
  for (size_t c : std::set<size_t>(first_use_.begin(), first_use_.end())) {
    if (c == 0) continue;
    std::vector<std::pair<size_t, size_t>> live;
    bool ok = true;
    for (size_t i = 0; i < c && ok; ++i) {
      if (fixed_[i]) continue;
      for (size_t k = 0; k < nodes[i]->outputs().size(); ++k) {
        const Value* v = nodes[i]->outputs()[k];
        const bool crosses = std::any_of(v->uses().begin(), v->uses().end(),
                                         [&](const torch::jit::Use& u) { return top_position(u.user) >= c; });
        if (!crosses) continue;
        if (!passable(v->type())) ok = false;
        live.emplace_back(i, k);
      }
    }
    if (ok && !live.empty()) valid_[c] = std::move(live);  // nothing crossing: nothing to keep
  }
}

ForwardCuts::~ForwardCuts() = default;

size_t ForwardCuts::cut_of(const std::vector<size_t>& changed) const {
  if (!why_not_.empty() || changed.empty()) return 0;
  size_t limit = std::numeric_limits<size_t>::max();
  for (size_t i : changed) limit = std::min(limit, first_use_.at(i));
  const auto it = valid_.upper_bound(limit);
  return it == valid_.begin() ? 0 : std::prev(it)->first;
}

std::vector<size_t> ForwardCuts::from_input() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < first_use_.size(); ++i) {
    if (cut_of({i}) == 0) out.push_back(i);
  }
  return out;
}

const ForwardCuts::Cut& ForwardCuts::cut(size_t position) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = built_[position];
  if (slot) return *slot;
  const std::vector<std::pair<size_t, size_t>>& live = valid_.at(position);

  // Before the cut: the same graph up to it, returning the crossing values as one tuple.
  std::shared_ptr<Graph> prefix = graph_->copy();
  {
    const std::vector<Node*> nodes = top_level(*prefix);
    std::vector<Value*> outputs;
    for (const auto& [i, k] : live) outputs.push_back(nodes[i]->outputs()[k]);
    while (!prefix->outputs().empty()) prefix->eraseOutput(0);
    for (size_t i = nodes.size(); i-- > position;) nodes[i]->destroy();
    prefix->registerOutput(prefix->insertNode(prefix->createTuple(outputs))->output());
    torch::jit::EliminateDeadCode(prefix);
  }
  // From the cut: the crossing values become inputs after self and x; fixed nodes stay.
  std::shared_ptr<Graph> suffix = graph_->copy();
  {
    const std::vector<Node*> nodes = top_level(*suffix);
    size_t n_live = 0;
    for (const auto& [i, k] : live) {
      Value* v = nodes[i]->outputs()[k];
      Value* input = suffix->addInput(fmt::format("cut{}", n_live++))->setType(v->type());
      v->replaceAllUsesWith(input);
    }
    for (size_t i = position; i-- > 0;) {
      if (!fixed_[i]) nodes[i]->destroy();
    }
    torch::jit::EliminateDeadCode(suffix);
  }
  auto built = std::make_unique<Cut>();
  built->prefix = std::make_unique<torch::jit::GraphFunction>("netprobe_prefix", prefix, nullptr);
  built->suffix = std::make_unique<torch::jit::GraphFunction>("netprobe_suffix", suffix, nullptr);
  slot = std::move(built);
  return *slot;
}

std::vector<c10::IValue> ForwardCuts::run_prefix(size_t position, const torch::jit::Module& intact,
                                                 const torch::Tensor& x) const {
  torch::jit::Stack stack{c10::IValue(intact._ivalue()), c10::IValue(x)};
  cut(position).prefix->run(stack);
  const auto& elements = stack.back().toTupleRef().elements();
  return std::vector<c10::IValue>(elements.begin(), elements.end());
}

c10::IValue ForwardCuts::run_suffix(size_t position, const torch::jit::Module& module, const torch::Tensor& x,
                                    std::vector<c10::IValue> live) const {
  torch::jit::Stack stack{c10::IValue(module._ivalue()), c10::IValue(x)};
  for (auto& v : live) stack.push_back(std::move(v));
  cut(position).suffix->run(stack);
  return stack.back();
}

c10::IValue fresh_copy(const c10::IValue& value) {
  if (value.isTensor()) return value.toTensor().clone();
  if (value.isList()) {
    c10::impl::GenericList copy(value.toList().elementType());
    for (const c10::IValue& v : value.toList()) copy.push_back(fresh_copy(v));
    return copy;
  }
  if (value.isTuple()) {
    std::vector<c10::IValue> elements;
    for (const c10::IValue& v : value.toTupleRef().elements()) elements.push_back(fresh_copy(v));
    return c10::ivalue::Tuple::create(std::move(elements));
  }
  return value;  // scalars, strings, None: immutable
}

}  // namespace netprobe::models
