using System;
using System.Collections.Generic;
using UnityEngine;

namespace PacketFlow.Client
{
    /// <summary>
    /// Shows every entity of the match as a child GameObject, placed each frame from the connection's
    /// interpolation buffer: positions lerped and rotations slerped between the snapshots around now minus the
    /// render delay, extrapolated a little when snapshots are late. A view is made when its entity first appears and
    /// destroyed when it leaves the match.
    /// </summary>
    [AddComponentMenu("PacketFlow/Snapshot Interpolator")]
    public sealed class SnapshotInterpolator : MonoBehaviour
    {
        [Tooltip("What each entity looks like; a cube when unset and no CreateView is given.")]
        [SerializeField] private GameObject entityPrefab;

        private readonly Dictionary<uint, Transform> views = new Dictionary<uint, Transform>();
        private readonly List<uint> gone = new List<uint>();
        private readonly InterpolatedFrame frame = new InterpolatedFrame();
        private MatchConnection connection;

        /// <summary>The match to show; changing it removes the views of the previous one.</summary>
        public MatchConnection Connection
        {
            get => connection;
            set
            {
                if (value == connection) return;
                foreach (KeyValuePair<uint, Transform> view in views) Destroy(view.Value.gameObject);
                views.Clear();
                connection = value;
            }
        }

        /// <summary>Makes the view of an entity that appeared; the instantiated prefab (or a cube) when null.</summary>
        public Func<uint, GameObject> CreateView { get; set; }

        /// <summary>The views shown, by entity.</summary>
        public IReadOnlyDictionary<uint, Transform> Views => views;

        private void LateUpdate()
        {
            InterpolationBuffer buffer = connection?.Interpolation;
            if (buffer == null || !buffer.Sample(UnityClock.NowMs, frame)) return;
            foreach (KeyValuePair<uint, Pose> entry in frame.Poses)
            {
                if (!views.TryGetValue(entry.Key, out Transform view))
                {
                    view = MakeView(entry.Key).transform;
                    view.SetParent(transform, false);
                    views.Add(entry.Key, view);
                }
                view.localPosition = entry.Value.Position.ToUnity();
                view.localRotation = entry.Value.Rotation.ToUnity();
            }
            gone.Clear();
            foreach (uint entity in views.Keys)
            {
                if (!frame.Poses.ContainsKey(entity)) gone.Add(entity);
            }
            foreach (uint entity in gone)
            {
                Destroy(views[entity].gameObject);
                views.Remove(entity);
            }
        }

        private GameObject MakeView(uint entity)
        {
            if (CreateView != null) return CreateView(entity);
            GameObject view = entityPrefab != null ? Instantiate(entityPrefab) : GameObject.CreatePrimitive(PrimitiveType.Cube);
            view.name = $"entity {entity}";
            return view;
        }
    }
}
