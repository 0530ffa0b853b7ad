using System;
using System.Collections.Generic;
using PacketFlow.Client;
using UnityEngine;

/// <summary>
/// Joins a PacketFlow match as a guest and shows it as boxes: this player green, the other players blue, the props
/// grey. The arrow keys or WASD move this player, Space jumps. Put it on an empty GameObject in an empty scene
/// (it adds an InputSender and a SnapshotInterpolator beside itself) and press Play with the backend running.
/// </summary>
[RequireComponent(typeof(InputSender), typeof(SnapshotInterpolator))]
public sealed class MovingCubes : MonoBehaviour
{
    // The match's bodies (services/physics): props are 0.8 m boxes, players 0.8 m wide capsules 1.8 m tall.
    private static readonly Vector3 PropSize = new Vector3(0.8f, 0.8f, 0.8f);
    private static readonly Vector3 PlayerSize = new Vector3(0.8f, 1.8f, 0.8f);

    [SerializeField] private string gatewayUrl = "http://127.0.0.1:2567";
    [SerializeField] private string playerName = "Unity";

    private readonly HashSet<uint> players = new HashSet<uint>();
    private MatchConnection match;
    private IReadOnlyList<PlayerScore> scores = new PlayerScore[0];
    private string status = "joining…";

    private async void Start()
    {
        ShowArena();
        var interpolator = GetComponent<SnapshotInterpolator>();
        interpolator.CreateView = CreateBox;
        MatchConnection joined;
        try
        {
            var client = new PacketFlowClient(gatewayUrl);
            await client.Guest();
            joined = await client.JoinOrCreate(playerName);
        }
        catch (Exception e)
        {
            status = $"could not join: {e.Message}";
            Debug.LogException(e);
            return;
        }
        if (this == null)
        {
            // The scene was closed while joining.
            _ = joined.Leave();
            return;
        }
        match = joined;
        status = $"match {match.MatchId}, entity {match.Entity}";
        match.SnapshotReceived += OnSnapshot;
        match.ErrorReceived += (code, message) => Debug.LogWarning($"gateway dropped a message: {code} {message}");
        match.Dropped += code => status = $"connection dropped ({code}), reconnecting…";
        match.Reconnected += () => status = $"match {match.MatchId}, entity {match.Entity} (reconnected)";
        match.Left += code => status = $"left the match ({code})";
        GetComponent<InputSender>().Connection = match;
        interpolator.Connection = match;
    }

    /// <summary>A floor the size of the match's arena (40 m square unless the physics service is configured otherwise), seen from above.</summary>
    private void ShowArena()
    {
        GameObject floor = GameObject.CreatePrimitive(PrimitiveType.Plane);
        floor.name = "arena floor";
        floor.transform.SetParent(transform, false);
        floor.transform.localScale = new Vector3(4, 1, 4);
        Camera view = Camera.main;
        if (view == null) return;
        view.transform.position = transform.TransformPoint(new Vector3(0, 30, -28));
        view.transform.LookAt(transform.position);
    }

    private void OnSnapshot(MatchSnapshot snapshot)
    {
        scores = snapshot.Scores;
        // Every player has a score, in every snapshot; the other entities are props.
        players.Clear();
        foreach (PlayerScore score in scores) players.Add(score.Entity);
    }

    private GameObject CreateBox(uint entity)
    {
        GameObject box = GameObject.CreatePrimitive(PrimitiveType.Cube);
        box.name = entity == match.Entity ? "me" : players.Contains(entity) ? $"player {entity}" : $"prop {entity}";
        bool player = players.Contains(entity) || entity == match.Entity;
        box.transform.localScale = player ? PlayerSize : PropSize;
        box.GetComponent<Renderer>().material.color =
            entity == match.Entity ? Color.green : player ? new Color(0.3f, 0.5f, 1f) : Color.grey;
        return box;
    }

    private void OnGUI()
    {
        GUILayout.Label(status);
        if (match == null) return;
        GUILayout.Label($"rtt {match.RttMs?.ToString() ?? "?"} ms, input rtt {match.InputRttMs?.ToString("F0") ?? "?"} ms, {match.PendingInputs.Count} inputs pending");
        foreach (PlayerScore score in scores)
            GUILayout.Label($"{(score.Entity == match.Entity ? "you" : $"player {score.Entity}")}: {score.Score}");
    }

    private void OnDestroy()
    {
        if (match != null) _ = match.Leave();
    }
}
