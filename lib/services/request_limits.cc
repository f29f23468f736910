#include "lib/services/request_limits.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace fta {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr size_t kIdLimit = 128;
constexpr size_t kFileNameLimit = 255;
constexpr size_t kDirectoryLimit = 4095;
constexpr size_t kSizeLimit = 64;
constexpr size_t kTokenLimit = 512;
constexpr size_t kErrorLimit = 65536;
constexpr size_t kContentLimit = 16 << 20;
constexpr size_t kDefaultLimit = 4096;
constexpr int kMaxRepeatedStrings = 4096;
// Nesting deeper than this is refused (protobuf itself stops at 100).
constexpr int kMaxDepth = 32;

absl::Status TooLong(const std::string& path, absl::string_view value, size_t limit) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", value.size(), " bytes, at most ", limit,
                                                 " allowed (starts \"", TruncatedEcho(value, 32), "\")"));
}

absl::Status CheckMessage(const Message& message, const std::string& prefix, int depth);

absl::Status CheckField(const Message& message, const FieldDescriptor* field, const std::string& path, int depth) {
  const Reflection* reflection = message.GetReflection();
  const bool is_string = field->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
  const bool is_message = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
  if (!is_string && !is_message) return absl::OkStatus();
  if (field->is_repeated()) {
    const int count = reflection->FieldSize(message, field);
    if (is_string && count > kMaxRepeatedStrings) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", count, " items, at most ", kMaxRepeatedStrings, " allowed"));
    }
    for (int i = 0; i < count; ++i) {
      const std::string item_path = absl::StrCat(path, "[", i, "]");
      if (is_message) {
        if (absl::Status s = CheckMessage(reflection->GetRepeatedMessage(message, field, i), item_path + ".",
                                          depth + 1);
            !s.ok()) {
          return s;
        }
        continue;
      }
      std::string scratch;
      const std::string& value = reflection->GetRepeatedStringReference(message, field, i, &scratch);
      if (value.size() > StringLimitFor(field->name())) return TooLong(item_path, value, StringLimitFor(field->name()));
    }
    return absl::OkStatus();
  }
  if (!reflection->HasField(message, field) && is_message) return absl::OkStatus();
  if (is_message) return CheckMessage(reflection->GetMessage(message, field), path + ".", depth + 1);
  std::string scratch;
  const std::string& value = reflection->GetStringReference(message, field, &scratch);
  const size_t limit = StringLimitFor(field->name());
  if (value.size() > limit) return TooLong(path, value, limit);
  return absl::OkStatus();
}

absl::Status CheckMessage(const Message& message, const std::string& prefix, int depth) {
  if (depth > kMaxDepth) return absl::InvalidArgumentError(absl::StrCat(prefix, ": nested too deeply"));
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (absl::Status s = CheckField(message, field, prefix + field->name(), depth); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

size_t StringLimitFor(absl::string_view name) {
  if (name == "id" || name == "ids" || name == "on" || name == "owner" || name == "host" ||
      absl::EndsWith(name, "_id")) {
    return kIdLimit;
  }
  if (name == "file_name") return kFileNameLimit;
  if (name == "directory") return kDirectoryLimit;
  if (name == "transfer_size" || name == "block_size" || name == "transfer_sizes") return kSizeLimit;
  if (absl::EndsWith(name, "page_token")) return kTokenLimit;
  if (name == "error") return kErrorLimit;
  if (name == "content" || name == "rank_details") return kContentLimit;
  return kDefaultLimit;
}

absl::Status CheckRequestLimits(const Message& request) { return CheckMessage(request, "", 0); }

std::string TruncatedEcho(absl::string_view text, size_t max_bytes) {
  std::string shown(text.substr(0, max_bytes));
  for (char& c : shown) {
    if (!absl::ascii_isprint(static_cast<unsigned char>(c))) c = '?';
  }
  if (text.size() > max_bytes) absl::StrAppend(&shown, "... (", text.size(), " bytes)");
  return shown;
}

}  // namespace fta
