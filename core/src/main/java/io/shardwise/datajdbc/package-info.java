/**
 * Spring Data JDBC entities: Shardwise ids for aggregate roots. Repositories themselves
 * are routed like every Spring Data repository ({@code io.shardwise.repository}).
 */
package io.shardwise.datajdbc;
