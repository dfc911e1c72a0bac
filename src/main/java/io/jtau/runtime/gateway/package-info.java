/** HTTP routing by host and path to functions and websites. */
package io.jtau.runtime.gateway;
