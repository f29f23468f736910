#include "lib/cli/json.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "lib/cli/enum_words.h"
#include "nlohmann/json.hpp"

namespace fta::cli {
namespace {

using Json = nlohmann::ordered_json;

void ReplaceEnums(const google::protobuf::Descriptor& type, Json& object);

// One field's JSON value: enums (printed as numbers by protobuf) become
// their words, nested messages are walked.
void ReplaceValue(const google::protobuf::FieldDescriptor& field, Json& value) {
  if (field.enum_type() != nullptr && value.is_number_integer()) {
    value = EnumWord(*field.enum_type(), value.get<int>());
  } else if (field.message_type() != nullptr && value.is_object()) {
    ReplaceEnums(*field.message_type(), value);
  }
}

void ReplaceEnums(const google::protobuf::Descriptor& type, Json& object) {
  for (int i = 0; i < type.field_count(); ++i) {
    const google::protobuf::FieldDescriptor& field = *type.field(i);
    auto it = object.find(field.name());
    if (it == object.end() || field.is_map()) continue;
    if (it->is_array()) {
      for (Json& element : *it) ReplaceValue(field, element);
    } else {
      ReplaceValue(field, *it);
    }
  }
}

}  // namespace

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  // Numbers first, so enums of every type can be replaced by ftactl's words.
  options.always_print_enums_as_ints = true;
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("cannot render ", message.GetTypeName(),
                                            " as JSON: ", status.ToString()));
  }
  Json document = Json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    return absl::InternalError(absl::StrCat("cannot re-read ", message.GetTypeName(), " as JSON"));
  }
  ReplaceEnums(*message.GetDescriptor(), document);
  return document.dump(2) + "\n";
}

}  // namespace fta::cli
