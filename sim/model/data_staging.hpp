#pragma once
// Data staging (scenario section `data_staging:`): a job's input data lives at its data site;
// a job that starts on cards elsewhere first copies the data to each other site of its gang over
// the inter-site links, holding its cards meanwhile (sim/run/transfer_network.hpp shares the links
// between concurrent copies). Off unless the scenario turns it on: without it, data is taken to be
// wherever a job runs.
namespace hetsim {

struct DataStaging {
  bool enabled = false;
  // Share of each inter-site link's bandwidth that staging may use (the rest carries other
  // traffic: cross-site gangs' gradients, tenants' own transfers).
  double link_share = 1.0;
};

}  // namespace hetsim
