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

absl::Status RestoreEnums(const google::protobuf::Descriptor& type, Json& object);

// A word printed by EnumWord (or the value's proto name) back to its
// number. protobuf would quietly drop an unknown word with unknown fields
// ignored, so it is refused here, naming the field.
absl::Status RestoreValue(const google::protobuf::FieldDescriptor& field, Json& value) {
  if (field.enum_type() != nullptr && value.is_string()) {
    const google::protobuf::EnumDescriptor& type = *field.enum_type();
    const std::string word = value.get<std::string>();
    for (int i = 0; i < type.value_count(); ++i) {
      const int number = type.value(i)->number();
      if (EnumWord(type, number) == word || type.value(i)->name() == word) {
        value = number;
        return absl::OkStatus();
      }
    }
    if (word.empty() || word == "-") {  // UNSPECIFIED prints as "" in some enums
      value = 0;
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError(absl::StrCat(field.name(), ": unknown ", type.name(), " \"", word, "\""));
  }
  if (field.message_type() != nullptr && value.is_object()) return RestoreEnums(*field.message_type(), value);
  return absl::OkStatus();
}

absl::Status RestoreEnums(const google::protobuf::Descriptor& type, Json& object) {
  for (int i = 0; i < type.field_count(); ++i) {
    const google::protobuf::FieldDescriptor& field = *type.field(i);
    auto it = object.find(field.name());
    if (it == object.end() || field.is_map()) continue;
    if (it->is_array()) {
      for (Json& element : *it) {
        absl::Status status = RestoreValue(field, element);
        if (!status.ok()) return status;
      }
    } else {
      absl::Status status = RestoreValue(field, *it);
      if (!status.ok()) return status;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status FromJson(const std::string& text, const std::string& name, google::protobuf::Message* message) {
  Json document = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": not a JSON object"));
  }
  if (absl::Status status = RestoreEnums(*message->GetDescriptor(), document); !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": not a ", message->GetTypeName(), ": ", status.message()));
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(document.dump(), message, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": not a ", message->GetTypeName(), ": ", status.ToString()));
  }
  return absl::OkStatus();
}

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
