package org.vip4j;

/**
 * Where a {@link VipManager} stands. Each constant says whether the VIP is on the interface and what moves the
 * machine on.
 */
public enum VipState {
    /** Started, waiting for the first observation of the leader key. VIP: not touched yet. */
    STARTING,
    /** Another node leads, or none does. VIP: absent (the reconcile removes a stray copy). */
    STANDBY,
    /** The key names this node; probing, adding and announcing. VIP: being added. Ends in HOLDING or STANDBY. */
    ACQUIRING,
    /** This node leads and the DCS confirms it every keepalive-period. VIP: present and announced. */
    HOLDING,
    /** Leadership ended (key moved or deleted, DCS lost, close); removing. VIP: being removed. */
    RELEASING,
    /**
     * The DCS cannot confirm leadership. VIP: absent, unless this node held it and {@code dcs-loss=keep}.
     * Left when the DCS answers again (DCS_RESTORED), after a fresh confirmation.
     */
    DCS_LOST,
    /** Closed. VIP: removed, unless the manager was built to keep it on close. Final. */
    STOPPED;

    /** True where this node means to have the VIP on its interface. */
    public boolean isHolding() {
        return this == HOLDING;
    }

    /** True where nothing more will happen. */
    public boolean isTerminal() {
        return this == STOPPED;
    }
}
