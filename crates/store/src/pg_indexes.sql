-- The secondary indexes of the PostgreSQL store, created after a bulk load (building an index
-- once over loaded rows is faster than keeping it up row by row during COPY).

CREATE INDEX claims_source ON claims(source_id);
CREATE INDEX claims_time_end ON claims(time_end);
CREATE INDEX claims_crossing ON claims(crossing);
CREATE INDEX claim_places_place ON claim_places(place, kind);
CREATE INDEX claim_goods_hs ON claim_goods(hs);
CREATE INDEX shipments_source ON shipments(source_id);
CREATE INDEX shipments_crossing ON shipments(crossing, direction);
CREATE INDEX shipments_hs ON shipments(hs);
CREATE INDEX shipments_date ON shipments(date);
CREATE INDEX reviews_source ON reviews(source_id, span_start);
CREATE INDEX track_events_source ON track_events(source_id);
CREATE INDEX track_events_mmsi ON track_events(mmsi, time_start);
CREATE INDEX track_positions_source ON track_positions(source_id);
CREATE INDEX track_positions_mmsi ON track_positions(mmsi, time_start);
CREATE INDEX track_positions_time ON track_positions(time_start);
CREATE INDEX tokens_user ON tokens(user_id);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX audit_at ON audit(at);
