"""Voice calls under the routing core: ARI events in, routing decisions carried out."""
