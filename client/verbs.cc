#include "client/verbs.h"

#include <cstdint>
#include <memory>
#include <stdexcept>

namespace fta::client {

void AddIdVerb(CLI::App* noun, const std::string& name, const std::string& help, const std::string& id_help,
               Action& action, std::function<int(Client&, const std::string&)> run) {
  CLI::App* verb = noun->add_subcommand(name, help);
  auto id = std::make_shared<std::string>();
  verb->add_option("ID", *id, id_help)->required();
  verb->callback([&action, id, run] { action = [id, run](Client& c) { return run(c, *id); }; });
}

CLI::Option* AddFieldOption(CLI::App* app, const std::string& flags, google::protobuf::Message* message,
                            const std::string& field, const std::string& help) {
  using google::protobuf::FieldDescriptor;
  const FieldDescriptor* descriptor = message->GetDescriptor()->FindFieldByName(field);
  if (descriptor == nullptr || descriptor->is_repeated()) {
    throw std::logic_error(message->GetTypeName() + " has no singular field " + field);
  }
  const google::protobuf::Reflection* reflection = message->GetReflection();
  switch (descriptor->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      return app->add_flag_function(
          flags, [=](int64_t) { reflection->SetBool(message, descriptor, true); }, help);
    case FieldDescriptor::CPPTYPE_INT32:
      return app->add_option_function<int32_t>(
          flags, [=](const int32_t& value) { reflection->SetInt32(message, descriptor, value); }, help);
    case FieldDescriptor::CPPTYPE_INT64:
      return app->add_option_function<int64_t>(
          flags, [=](const int64_t& value) { reflection->SetInt64(message, descriptor, value); }, help);
    case FieldDescriptor::CPPTYPE_STRING:
      return app->add_option_function<std::string>(
          flags, [=](const std::string& value) { reflection->SetString(message, descriptor, value); }, help);
    default:
      throw std::logic_error(message->GetTypeName() + "." + field + " cannot be a flag");
  }
}

}  // namespace fta::client
