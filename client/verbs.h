// How ftactl's verbs are wired (client/main.cc and the *_verbs.cc files):
// each verb's callback, which CLI11 runs only for the verb that was parsed,
// sets the Action to run once the connection exists.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>
#include <google/protobuf/message.h>

#include "client/client.h"

namespace fta::client {

using Action = std::function<int(Client&)>;

// `noun name ID`: a verb taking one required id (`id_help` describes it);
// running it calls `run(client, id)`.
void AddIdVerb(CLI::App* noun, const std::string& name, const std::string& help, const std::string& id_help,
               Action& action, std::function<int(Client&, const std::string&)> run);

// A flag that sets the singular scalar `field` of `*message` as it is
// parsed: a bool field is a flag without value, integer and string fields
// take one. `message` must outlive parsing. Numbers go to the daemon as
// given, negative ones included: it owns the rules and names the field when
// it refuses.
//
//   AddFieldOption(run, "-s,--segments", spec, "segments", "Segments (0: daemon default 1)");
CLI::Option* AddFieldOption(CLI::App* app, const std::string& flags, google::protobuf::Message* message,
                            const std::string& field, const std::string& help);

}  // namespace fta::client
